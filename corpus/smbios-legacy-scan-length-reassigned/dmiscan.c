/* Models mcelog's DMI decoder: one length variable serves the EFI entry-point mapping and,
 * after a goto to the legacy label, the F-segment scan, where it is set again just before the
 * map. Only the assignment right above a mapping reaches it in straight-line code.
 * Checks: DM001 at open; DM002 for the EFI map (address from the systab, class unknown);
 * DM002 with the F segment's range for the legacy map; DM005 for the anchor compare. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int efi_smbios_address(size_t *address)
{
	char line[128];
	FILE *systab = fopen("/sys/firmware/efi/systab", "r"); // CHECK: DM006
	int found = 0;

	if (!systab)
		return 0;
	while (!found && fgets(line, sizeof(line), systab))
		found = sscanf(line, "SMBIOS3=%zx", address) == 1 ||
			sscanf(line, "SMBIOS=%zx", address) == 1;
	fclose(systab);
	return found;
}

int main(void)
{
	const size_t segsize = 0x10000;
	size_t address = 0;
	size_t length = 0;
	unsigned char *base;
	size_t offset;
	int memfd = open("/dev/mem", O_RDONLY); // CHECK: DM001

	if (memfd < 0)
		return 1;
	if (efi_smbios_address(&address)) {
		length = (address & 0xfff) + 0x20;
		base = mmap(NULL, length, PROT_READ, MAP_SHARED, memfd, address & ~0xfffUL); // CHECK: DM002 class=unknown
		if (base == MAP_FAILED)
			goto legacy;
		printf("entry point: %.4s\n", (const char *)base + (address & 0xfff));
		munmap(base, length);
		close(memfd);
		return 0;
	}
legacy:
	length = segsize - 1;
	base = mmap(NULL, length, PROT_READ, MAP_SHARED, memfd, 0xf0000); // CHECK: DM002 range=0xf0000-0xffffe class=bios-area
	if (base == MAP_FAILED) {
		close(memfd);
		return 1;
	}
	for (offset = 0; offset + 4 <= length; offset += 16)
		if (memcmp(base + offset, "_SM_", 4) == 0) // CHECK: DM005
			printf("_SM_ at 0x%zx\n", 0xf0000 + offset);
	munmap(base, length);
	close(memfd);
	return 0;
}
