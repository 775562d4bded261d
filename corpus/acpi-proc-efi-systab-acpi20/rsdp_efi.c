/* Models an acpidump-style RSDP locator on EFI systems: takes ACPI20= (or ACPI=) from the old
 * /proc/efi/systab, maps that page of /dev/mem and verifies the signature.
 * Checks: DM006 at the systab open, DM001, DM002 class=unknown (address from firmware), DM005. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned long rsdp_from_systab(void)
{
	char line[128];
	unsigned long acpi20 = 0, acpi10 = 0;
	FILE *st = fopen("/proc/efi/systab", "r"); // CHECK: DM006

	if (st == NULL)
		return 0;
	while (fgets(line, sizeof(line), st) != NULL) {
		if (strncmp(line, "ACPI20=", 7) == 0)
			acpi20 = strtoul(line + 7, NULL, 16);
		else if (strncmp(line, "ACPI=", 5) == 0)
			acpi10 = strtoul(line + 5, NULL, 16);
	}
	fclose(st);
	return acpi20 ? acpi20 : acpi10;
}

int main(void)
{
	unsigned long rsdp = rsdp_from_systab();
	unsigned long page, delta;
	const char *map;
	int fd;

	if (rsdp == 0) {
		fprintf(stderr, "no ACPI entry in the EFI system table\n");
		return 1;
	}
	page = rsdp & ~0xFFFUL;
	delta = rsdp - page;
	fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	if (fd < 0)
		return 1;
	map = mmap(NULL, 0x2000, PROT_READ, MAP_SHARED, fd, (off_t)page); // CHECK: DM002 class=unknown
	close(fd);
	if (map == MAP_FAILED)
		return 1;
	if (memcmp(map + delta, "RSD PTR ", 8) != 0) { // CHECK: DM005
		munmap((void *)map, 0x2000);
		return 1;
	}
	printf("RSDP revision %d OEM %.6s\n", map[delta + 15], map + delta + 9);
	munmap((void *)map, 0x2000);
	return 0;
}
