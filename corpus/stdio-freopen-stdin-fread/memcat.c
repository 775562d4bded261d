/* Models a filter that re-points stdin at the memory device with freopen and then fseeks and
 * freads the BIOS data area through the returned stream.
 * Checks: DM001 at freopen, DM003 at fread after fseek (real-mode-low). */
#include <stdio.h>

int main(void)
{
	unsigned char bda[0x100];
	FILE *in;
	size_t i;

	in = freopen("/dev/mem", "rb", stdin); // CHECK: DM001
	if (in == NULL) {
		perror("freopen");
		return 1;
	}
	if (fseek(in, 0x400, SEEK_SET) != 0)
		return 1;
	if (fread(bda, sizeof(bda), 1, in) != 1) // CHECK: DM003 range=0x400-0x4ff class=real-mode-low
		return 1;
	for (i = 0; i < sizeof(bda); i++)
		printf("%02x%c", bda[i], (i % 16 == 15) ? '\n' : ' ');
	return 0;
}
