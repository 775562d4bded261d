/* Trap: a DOS-emulator video backend that reserves the VGA window and the video BIOS area with
 * anonymous MAP_FIXED mappings (fd -1) and renders from them. No device is opened.
 * Expected findings: none. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
	unsigned char *vram = mmap((void *)0xA0000, 0x20000, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	unsigned char *vbios = mmap((void *)0xC0000, 0x8000, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (vram == MAP_FAILED || vbios == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	vbios[0] = 0x55;
	vbios[1] = 0xAA;
	memset(vram + 0x18000, 0x07, 4000);
	puts("emulated VGA ready");
	return 0;
}
