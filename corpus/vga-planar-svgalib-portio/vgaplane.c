/* Models an svgalib-era graphics helper: maps the 64 KiB VGA graphics window at 0xA0000 and
 * selects planes through the sequencer ports. Checks: DM001, DM002 (vga-hole) and DM004 at
 * iopl and each outb. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

#define SEQ_INDEX 0x3C4
#define SEQ_DATA 0x3C5

static void select_planes(unsigned char mask)
{
	outb(0x02, SEQ_INDEX); // CHECK: DM004
	outb(mask, SEQ_DATA); // CHECK: DM004
}

int main(void)
{
	unsigned char *fb;
	int fd, plane;

	if (iopl(3) < 0) { // CHECK: DM004
		perror("iopl");
		return 1;
	}
	fd = open("/dev/mem", O_RDWR | O_NDELAY); // CHECK: DM001
	if (fd < 0)
		return 1;
	fb = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0xA0000); // CHECK: DM002 range=0xa0000-0xaffff class=vga-hole
	close(fd);
	if (fb == MAP_FAILED)
		return 1;
	for (plane = 0; plane < 4; plane++) {
		select_planes((unsigned char)(1u << plane));
		memset(fb, plane * 0x11, 80 * 480 / 8);
	}
	munmap(fb, 0x10000);
	return 0;
}
