/* Trap: a firmware-build helper (coreboot/QEMU-like) that *writes* entry points into a table
 * image: the anchors are copied in, never compared against scanned memory. Output goes to a
 * regular file. Expected findings: none. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct smbios_ep {
	char anchor[4];
	uint8_t checksum, length, major, minor;
	uint16_t max_size;
	uint8_t revision;
	char formatted[5];
	char ianchor[5];
	uint8_t ichecksum;
	uint16_t table_len;
	uint32_t table_addr;
	uint16_t count;
	uint8_t bcd;
} __attribute__((packed));

static uint8_t csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	while (len--)
		s = (uint8_t)(s + *b++);
	return (uint8_t)-s;
}

int main(int argc, char **argv)
{
	struct smbios_ep ep;
	char rsdp[20];
	FILE *out;

	memset(&ep, 0, sizeof(ep));
	memcpy(ep.anchor, "_SM_", 4);
	memcpy(ep.ianchor, "_DMI_", 5);
	ep.length = 0x1F;
	ep.major = 2;
	ep.minor = 8;
	ep.table_addr = 0x000F1000;
	ep.ichecksum = csum(ep.ianchor, 15);
	ep.checksum = csum(&ep, sizeof(ep));

	memset(rsdp, 0, sizeof(rsdp));
	strncpy(rsdp, "RSD PTR ", sizeof(rsdp));
	memcpy(rsdp + 9, "CORPUS", 6);
	rsdp[8] = (char)csum(rsdp, sizeof(rsdp));

	out = fopen(argc > 1 ? argv[1] : "tables.bin", "wb");
	if (out == NULL)
		return 1;
	fwrite(&ep, sizeof(ep), 1, out);
	fwrite(rsdp, sizeof(rsdp), 1, out);
	fclose(out);
	return 0;
}
