/* Models a hwclock-style CMOS RTC reader that raises its I/O privilege level with iopl(3) and
 * talks to the index/data ports 0x70/0x71. Checks: one DM004 at every iopl/outb/inb call. */
#include <stdio.h>
#include <sys/io.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static unsigned char cmos_read(unsigned char reg)
{
	outb(reg | 0x80, CMOS_INDEX); // CHECK: DM004
	return inb(CMOS_DATA); // CHECK: DM004
}

static unsigned int bcd(unsigned char v)
{
	return (v & 0x0F) + (v >> 4) * 10;
}

int main(void)
{
	unsigned char sec, min, hour;

	if (iopl(3) != 0) { // CHECK: DM004
		perror("iopl");
		return 1;
	}
	do {
		sec = cmos_read(0x00);
		min = cmos_read(0x02);
		hour = cmos_read(0x04);
	} while (sec != cmos_read(0x00));
	iopl(0); // CHECK: DM004
	printf("%02u:%02u:%02u\n", bcd(hour), bcd(min), bcd(sec));
	return 0;
}
