/* Models a firmware-region diff tool that maps windows straddling the edges of the low-memory
 * regions. Checks the class boundaries: ranges spanning two low classes are low-megabyte,
 * 0xEF000-0xF0FFF stays acpi-rsdp-window, a window reaching 0x100000 is above-1mib, and the
 * last paragraph is bios-area. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned long sum(const unsigned char *p, size_t len)
{
	unsigned long s = 0;
	size_t i;
	if (p == MAP_FAILED)
		return 0;
	for (i = 0; i < len; i++)
		s += p[i];
	munmap((void *)p, len);
	return s;
}

int main(void)
{
	int fd = open("/dev/mem", O_RDONLY); // CHECK: DM001
	const unsigned char *a, *b, *c, *d, *e, *f;

	if (fd < 0)
		return 1;
	a = mmap(NULL, 0x2000, PROT_READ, MAP_SHARED, fd, 0x9F000); // CHECK: DM002 range=0x9f000-0xa0fff class=low-megabyte
	b = mmap(NULL, 0x2000, PROT_READ, MAP_SHARED, fd, 0xBF000); // CHECK: DM002 range=0xbf000-0xc0fff class=low-megabyte
	c = mmap(NULL, 0x2000, PROT_READ, MAP_SHARED, fd, 0xDF000); // CHECK: DM002 range=0xdf000-0xe0fff class=low-megabyte
	d = mmap(NULL, 0x2000, PROT_READ, MAP_SHARED, fd, 0xEF000); // CHECK: DM002 range=0xef000-0xf0fff class=acpi-rsdp-window
	e = mmap(NULL, 0x20000, PROT_READ, MAP_SHARED, fd, 0xF0000); // CHECK: DM002 range=0xf0000-0x10ffff class=above-1mib
	f = mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, fd, 0xFF000); // CHECK: DM002 range=0xff000-0xfffff class=bios-area
	close(fd);
	printf("%lx %lx %lx %lx %lx %lx\n", sum(a, 0x2000), sum(b, 0x2000), sum(c, 0x2000),
	       sum(d, 0x2000), sum(e, 0x20000), sum(f, 0x1000));
	return 0;
}
