/* Models the X server's vm86 int10 setup: the generic header says /dev/xsvc, this Linux file
 * #undef's DEV_MEM and points it at /dev/mem, then maps real-mode memory MAP_FIXED at its
 * physical address. Checks: page 0 (real-mode-low), VRAM (vga-hole) and the ROM area from
 * 0xC0000 to the top of the low megabyte, which spans several classes (low-megabyte). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xf86_compat.h"

#undef DEV_MEM
#define DEV_MEM "/dev/mem"

static int setup_real_mode(void)
{
	int fd;
	void *low, *vram, *rom;

	if ((fd = open(DEV_MEM, O_RDWR, 0)) < 0) { // CHECK: DM001
		perror("int10: cannot open " DEV_MEM);
		return -1;
	}
	/* IVT + BDA, private so the emulated BIOS may scribble on them. */
	low = mmap((void *)0, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, // CHECK: DM002 range=0x0-0xfff class=real-mode-low
		   MAP_PRIVATE | MAP_FIXED, fd, 0);
	vram = mmap((void *)V_RAM, VRAM_SIZE, PROT_READ | PROT_WRITE, // CHECK: DM002 range=0xa0000-0xbffff class=vga-hole
		    MAP_SHARED | MAP_FIXED, fd, V_RAM);
	rom = mmap((void *)V_BIOS, SYS_SIZE - V_BIOS, PROT_READ | PROT_EXEC, // CHECK: DM002 range=0xc0000-0xfffff class=low-megabyte
		   MAP_SHARED | MAP_FIXED, fd, V_BIOS);
	close(fd);
	if (low == MAP_FAILED || vram == MAP_FAILED || rom == MAP_FAILED)
		return -1;
	return 0;
}

int main(void)
{
	if (setup_real_mode() < 0) {
		fprintf(stderr, "int10: real-mode setup failed\n");
		return 1;
	}
	puts("real-mode memory mapped");
	return 0;
}
