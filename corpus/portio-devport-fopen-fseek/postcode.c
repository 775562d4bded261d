/* Models a POST-code reader that uses stdio on /dev/port: fopen, then fseek to port 0x80 and
 * fread one byte. Checks: DM004 at the fopen only; the fseek+fread go to /dev/port, not to a
 * memory device, so they are not DM003. */
#include <stdio.h>

#define POST_PORT 0x80

int main(void)
{
	unsigned char code;
	FILE *port = fopen("/dev/port", "rb"); // CHECK: DM004 category=port-io

	if (port == NULL) {
		perror("/dev/port");
		return 1;
	}
	setvbuf(port, NULL, _IONBF, 0);
	if (fseek(port, POST_PORT, SEEK_SET) != 0 || fread(&code, 1, 1, port) != 1) {
		fclose(port);
		return 1;
	}
	fclose(port);
	printf("last POST code: 0x%02x\n", code);
	return 0;
}
