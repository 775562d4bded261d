/* Trap: the device path appears only in comments, error messages, log strings and in calls
 * that are not opens (access, stat). The data comes from /sys/firmware/dmi/tables.
 * Expected findings: none. */
#include <stdio.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

/* Historical note: versions before 2.0 did
 *     fd = open("/dev/mem", O_RDONLY);
 *     p = mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);
 * which breaks under lockdown. */

static void explain_lockdown(void)
{
	struct stat st;

	if (access("/dev/mem", R_OK) != 0)
		fprintf(stderr, "note: /dev/mem is not readable (kernel lockdown?), using sysfs\n");
	if (stat("/dev/mem", &st) == 0 && !S_ISCHR(st.st_mode))
		syslog(LOG_WARNING, "/dev/mem is not a character device");
}

int main(void)
{
	unsigned char table[4096];
	size_t n;
	FILE *f;

	explain_lockdown();
	f = fopen("/sys/firmware/dmi/tables/DMI", "rb");
	if (f == NULL) {
		perror("open /sys/firmware/dmi/tables/DMI (try reading /dev/mem as root)");
		return 1;
	}
	n = fread(table, 1, sizeof(table), f);
	fclose(f);
	printf("%zu bytes of SMBIOS structures\n", n);
	return 0;
}
