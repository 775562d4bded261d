/* Trap: paths that contain "mem"/"kmem"-like fragments but are not the memory devices:
 * /proc/iomem (parsed for the BIOS ranges), /dev/kmsg (logged to), /proc/meminfo.
 * Expected findings: none. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char line[256];
	FILE *iomem = fopen("/proc/iomem", "r");
	FILE *mi;
	int kmsg;

	if (iomem != NULL) {
		while (fgets(line, sizeof(line), iomem) != NULL)
			if (strstr(line, "System ROM") != NULL || strstr(line, "Video ROM") != NULL)
				fputs(line, stdout);
		fclose(iomem);
	}
	mi = fopen("/proc/meminfo", "r");
	if (mi != NULL) {
		if (fgets(line, sizeof(line), mi) != NULL)
			fputs(line, stdout);
		fclose(mi);
	}
	kmsg = open("/dev/kmsg", O_WRONLY);
	if (kmsg >= 0) {
		const char msg[] = "iomemwatch: scanned /proc/iomem\n";
		if (write(kmsg, msg, sizeof(msg) - 1) < 0)
			perror("kmsg");
		close(kmsg);
	}
	return 0;
}
