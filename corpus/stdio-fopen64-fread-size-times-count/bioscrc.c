/* Models a BIOS checksum tool built with _LARGEFILE64_SOURCE that uses fopen64 and reads the
 * BIOS area as 0x1000 records of 16 bytes. Checks: DM001 at fopen64 and DM003 at fread with
 * range = offset .. offset + size*count - 1 (bios-area). */
#define _LARGEFILE64_SOURCE
#include <stdint.h>
#include <stdio.h>

static unsigned char para[0x1000][16];

int main(void)
{
	FILE *mem = fopen64("/dev/mem", "rb"); // CHECK: DM001
	uint32_t crc = 0;
	size_t i, j;

	if (mem == NULL)
		return 1;
	if (fseek(mem, 0xF0000, SEEK_SET) != 0)
		return 1;
	if (fread(para, 16, 0x1000, mem) != 0x1000) // CHECK: DM003 range=0xf0000-0xfffff class=bios-area
		return 1;
	fclose(mem);
	for (i = 0; i < 0x1000; i++)
		for (j = 0; j < 16; j++)
			crc = (crc << 1 | crc >> 31) ^ para[i][j];
	printf("%08x\n", crc);
	return 0;
}
