/* Models an MP-table finder (mptable-like) using stdio: fopen of /dev/mem, then fseek+fread
 * of the last KiB of base memory and of the BIOS area. The "_MP_" anchor is compared as a
 * little-endian 32-bit integer, the one multi-char-constant form in this corpus.
 * Checks: DM001 at fopen, DM003 ranges at the freads, DM005 at the == comparison. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MP_SIG 0x5f504d5f /* "_MP_" read as a little-endian uint32_t */

static unsigned char buf[0x10000];

static long find_mp(const unsigned char *p, size_t len, long phys)
{
	size_t off;
	for (off = 0; off + 16 <= len; off += 16) {
		if (*(const uint32_t *)(p + off) == MP_SIG) // CHECK: DM005
			return phys + (long)off;
	}
	return -1;
}

int main(void)
{
	FILE *mem;
	long fp = -1;

	mem = fopen("/dev/mem", "rb"); // CHECK: DM001
	if (mem == NULL) {
		perror("mpfind");
		return 1;
	}
	if (fseek(mem, 0x9FC00, SEEK_SET) == 0 && fread(buf, 1, 0x400, mem) == 0x400) // CHECK: DM003 range=0x9fc00-0x9ffff class=real-mode-low
		fp = find_mp(buf, 0x400, 0x9FC00);
	if (fp < 0 && fseek(mem, 0xF0000, SEEK_SET) == 0 &&
	    fread(buf, 1, 0x10000, mem) == 0x10000) // CHECK: DM003 range=0xf0000-0xfffff class=bios-area
		fp = find_mp(buf, 0x10000, 0xF0000);
	fclose(mem);
	if (fp < 0) {
		puts("no MP floating pointer");
		return 1;
	}
	printf("MP floating pointer at 0x%05lx\n", fp);
	return 0;
}
