/* Models a firmware-table locator split over two files: the EFI system table supplies the
 * SMBIOS3/SMBIOS/ACPI20 addresses (DM006 at the systab open), and a read wrapper fetches the
 * entry points. Only the legacy fallback passes a constant range to the wrapper.
 * Checks: DM001/DM003 once inside the wrapper; call-site DM003 for the constant fallback only. */
#include <stdio.h>
#include <string.h>

#include "memread.h"

static const char devmem[] = "/dev/mem";
static unsigned char bios[0x10000];

int main(void)
{
	unsigned char ep[0x24];
	unsigned long addr;
	unsigned int off;

	if (efi_table_address("SMBIOS3=", &addr) == 0 || efi_table_address("SMBIOS=", &addr) == 0) {
		if (mem_read(devmem, (off_t)addr, ep, sizeof(ep)) == 0)
			printf("entry point: %.5s\n", (const char *)ep);
	}
	if (efi_table_address("ACPI20=", &addr) == 0) {
		if (mem_read(devmem, (off_t)addr, ep, sizeof(ep)) == 0 && memcmp(ep, "RSD PTR ", 8) == 0) // CHECK: DM005
			printf("RSDP at 0x%lx\n", addr);
		return 0;
	}
	if (mem_read(devmem, 0xF0000, bios, sizeof(bios)) != 0) // CHECK: DM003 range=0xf0000-0xfffff class=bios-area
		return 1;
	for (off = 0; off < sizeof(bios); off += 16)
		if (memcmp(bios + off, "_SM_", 4) == 0) // CHECK: DM005
			printf("legacy SMBIOS anchor at 0x%x\n", 0xF0000 + off);
	return 0;
}
