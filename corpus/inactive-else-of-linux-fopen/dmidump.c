/* Models a dump tool that reads the kernel-exported DMI table on Linux and only falls back to
 * fopen("/dev/mem") in the #else of #ifdef __linux__ (inactive here). Checks: a single DM007
 * (low confidence) at that fopen; the sysfs read on the active side is not a finding. */
#include <stdio.h>
#include <stdlib.h>

static unsigned char table[0x10000];

int main(void)
{
	FILE *f;
	size_t n;

#ifdef __linux__
	f = fopen("/sys/firmware/dmi/tables/DMI", "rb");
#else
	f = fopen("/dev/mem", "rb"); // CHECK: DM007 confidence=low
#endif
	if (f == NULL) {
		perror("dmidump");
		return 1;
	}
	n = fread(table, 1, sizeof(table), f);
	fclose(f);
	fwrite(table, 1, n, stdout);
	return n > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
