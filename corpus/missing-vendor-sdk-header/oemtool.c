/* Models an OEM utility built against a vendor SDK whose header is not installed where the scan
 * runs. The SDK's types (u8, u32, oem_ctx_t) and constants (OEM_FLAG_RO) are unknown, so the
 * declarations using them fail until the analyzer stands in for the header and declares the
 * missing names; then the wrapper's open (DM001), its map (DM002, range from the parameters) and
 * the caller's map of the ACPI window (DM002 acpi-rsdp-window) are found, at low confidence. */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <oem-sdk/oem_platform.h>

static u8 *map_physical(u32 base, u32 length)
{
	int fd = open("/dev/mem", O_RDONLY | O_SYNC); // CHECK: DM001 confidence=low
	u8 *window;

	if (fd < 0)
		return NULL;
	window = mmap(NULL, length, PROT_READ, MAP_SHARED, fd, base); // CHECK: DM002 class=unknown confidence=low
	close(fd);
	return window == MAP_FAILED ? NULL : window;
}

int main(void)
{
	oem_ctx_t *ctx = oem_init(OEM_FLAG_RO);
	u8 *rsdp_window = map_physical(0xE0000, 0x20000); // CHECK: DM002 range=0xe0000-0xfffff class=acpi-rsdp-window confidence=low

	if (ctx == NULL || rsdp_window == NULL)
		return 1;
	printf("first byte %02x\n", rsdp_window[0]);
	return 0;
}
