/* Trap: a firmware-info tool that only *mentions* /dev/mem, /dev/kmem and /dev/port in its
 * help text and reads everything from sysfs. Expected findings: none. */
#include <stdio.h>
#include <string.h>

#define OLD_DEFAULT_DEVICE "/dev/mem"

static void usage(const char *prog)
{
	printf("Usage: %s [OPTION]...\n", prog);
	printf("Print firmware information exported by the kernel.\n\n");
	printf("  -h, --help      show this help\n");
	printf("  -l, --legacy    (removed) used to read %s directly\n", OLD_DEFAULT_DEVICE);
	printf("\nThis tool never opens /dev/mem, /dev/kmem or /dev/port and needs no iopl().\n");
}

int main(int argc, char **argv)
{
	char buf[128];
	FILE *f;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(argv[0]);
		return 0;
	}
	f = fopen("/sys/class/dmi/id/bios_version", "r");
	if (f == NULL)
		return 1;
	if (fgets(buf, sizeof(buf), f) != NULL)
		printf("BIOS version: %s", buf);
	fclose(f);
	return 0;
}
