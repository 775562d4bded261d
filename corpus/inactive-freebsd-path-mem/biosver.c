/* Models a BSD-derived utility ported to Linux: the BSD branch opens _PATH_MEM (inactive here,
 * DM007 at that open), the Linux branch opens a literal (DM001) and freads the BIOS area after
 * fseek (DM003 bios-area). */
#include <paths.h>
#include <stdio.h>
#include <string.h>

static unsigned char bios[0x10000];

int main(void)
{
	FILE *fp;

#if defined(__FreeBSD__) || defined(__OpenBSD__)
	fp = fopen(_PATH_MEM, "r"); // CHECK: DM007 confidence=low
#elif defined(__linux__)
	fp = fopen("/dev/mem", "r"); // CHECK: DM001
#else
	fp = NULL;
#endif
	if (fp == NULL) {
		perror("biosver");
		return 1;
	}
	if (fseek(fp, 0xF0000L, SEEK_SET) != 0 || fread(bios, 1, sizeof(bios), fp) != sizeof(bios)) { // CHECK: DM003 range=0xf0000-0xfffff class=bios-area
		fclose(fp);
		return 1;
	}
	fclose(fp);
	printf("BIOS date %.8s\n", (const char *)bios + 0xFFF5);
	return 0;
}
