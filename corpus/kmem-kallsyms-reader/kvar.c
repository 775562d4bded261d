/* Models an old kernel-variable peeker: looks a symbol up in /proc/kallsyms, then reads it
 * from /dev/kmem at that (kernel virtual, non-constant) offset.
 * Checks: DM001 for /dev/kmem, DM003 class=unknown; the kallsyms fopen is not a finding. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long lookup(const char *sym)
{
	FILE *ks = fopen("/proc/kallsyms", "r");
	char line[256];
	unsigned long addr = 0;

	if (ks == NULL)
		return 0;
	while (fgets(line, sizeof(line), ks) != NULL) {
		char type, name[200];
		unsigned long a;
		if (sscanf(line, "%lx %c %199s", &a, &type, name) == 3 && strcmp(name, sym) == 0) {
			addr = a;
			break;
		}
	}
	fclose(ks);
	return addr;
}

int main(int argc, char **argv)
{
	unsigned long addr, value = 0;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SYMBOL   (reads SYMBOL from /dev/kmem)\n", argv[0]);
		return 2;
	}
	addr = lookup(argv[1]);
	if (addr == 0)
		return 1;
	fd = open("/dev/kmem", O_RDONLY); // CHECK: DM001
	if (fd < 0) {
		perror("kmem");
		return 1;
	}
	if (lseek(fd, (off_t)addr, SEEK_SET) == (off_t)-1 ||
	    read(fd, &value, sizeof(value)) != (ssize_t)sizeof(value)) { // CHECK: DM003 class=unknown
		close(fd);
		return 1;
	}
	close(fd);
	printf("%s = 0x%lx\n", argv[1], value);
	return 0;
}
