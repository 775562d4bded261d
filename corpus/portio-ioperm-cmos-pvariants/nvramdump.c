/* Models an NVRAM dumper that asks only for ports 0x70-0x71 with ioperm and uses the pausing
 * _p variants. Checks: DM004 at both ioperm calls and at outb_p/inb_p. */
#include <stdio.h>
#include <sys/io.h>

int main(void)
{
	unsigned char nvram[128];
	int i;

	if (ioperm(0x70, 2, 1) != 0) { // CHECK: DM004
		perror("ioperm");
		return 1;
	}
	for (i = 0; i < 128; i++) {
		outb_p((unsigned char)i, 0x70); // CHECK: DM004
		nvram[i] = inb_p(0x71); // CHECK: DM004
	}
	ioperm(0x70, 2, 0); // CHECK: DM004
	for (i = 0; i < 128; i++)
		printf("%02x%c", nvram[i], (i % 16 == 15) ? '\n' : ' ');
	return 0;
}
