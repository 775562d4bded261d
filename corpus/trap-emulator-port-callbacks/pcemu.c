/* Trap: a PC emulator's device model whose port handlers are struct members named inb/outb.
 * Calls through these function pointers are emulated I/O, not the <sys/io.h> functions, and
 * nothing here needs iopl/ioperm. Expected findings: none. */
#include <stdint.h>
#include <stdio.h>

struct io_device {
	const char *name;
	uint16_t base;
	uint8_t (*inb)(struct io_device *dev, uint16_t port);
	void (*outb)(struct io_device *dev, uint16_t port, uint8_t val);
	uint8_t regs[128];
	uint8_t index;
};

static uint8_t cmos_in(struct io_device *dev, uint16_t port)
{
	return port == dev->base + 1 ? dev->regs[dev->index & 0x7F] : 0xFF;
}

static void cmos_out(struct io_device *dev, uint16_t port, uint8_t val)
{
	if (port == dev->base)
		dev->index = val;
	else
		dev->regs[dev->index & 0x7F] = val;
}

int main(void)
{
	struct io_device rtc = { "rtc", 0x70, cmos_in, cmos_out, { 0 }, 0 };

	rtc.outb(&rtc, 0x70, 0x0A);
	rtc.outb(&rtc, 0x71, 0x26);
	rtc.outb(&rtc, 0x70, 0x0A);
	printf("emulated RTC register A = 0x%02x\n", rtc.inb(&rtc, 0x71));
	return 0;
}
