/* CMOS accessors; the caller (main.c) is responsible for iopl(). */
#include <sys/io.h>

#include "cmos.h"

unsigned char cmos_get(unsigned char reg)
{
	outb_p(reg, 0x70); // CHECK: DM004
	return inb_p(0x71); // CHECK: DM004
}

void cmos_set(unsigned char reg, unsigned char val)
{
	outb_p(reg, 0x70); // CHECK: DM004
	outb_p(val, 0x71); // CHECK: DM004
}
