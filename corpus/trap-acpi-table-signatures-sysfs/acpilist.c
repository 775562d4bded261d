/* Trap: an ACPI table lister reading /sys/firmware/acpi/tables and comparing table signatures
 * (FACP, APIC, DSDT, MCFG). These are not BIOS scan anchors, and nothing is read from a memory
 * device. Expected findings: none. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *describe(const char *sig)
{
	if (memcmp(sig, "FACP", 4) == 0)
		return "Fixed ACPI Description Table";
	if (memcmp(sig, "APIC", 4) == 0)
		return "Multiple APIC Description Table";
	if (strncmp(sig, "DSDT", 4) == 0)
		return "Differentiated System Description Table";
	if (strncmp(sig, "MCFG", 4) == 0)
		return "PCI Express memory-mapped configuration";
	return "other";
}

int main(void)
{
	DIR *d = opendir("/sys/firmware/acpi/tables");
	struct dirent *de;
	char path[512], hdr[36];

	if (d == NULL)
		return 1;
	while ((de = readdir(d)) != NULL) {
		int fd;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/acpi/tables/%s", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		if (read(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr))
			printf("%.4s rev %d: %s\n", hdr, hdr[8], describe(hdr));
		close(fd);
	}
	closedir(d);
	return 0;
}
