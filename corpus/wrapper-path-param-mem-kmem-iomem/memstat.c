/* Models a memory-diagnostics tool whose open_ro(path) helper is fed /dev/mem, /dev/kmem and
 * /proc/iomem by different callers, and which picks mem or kmem with a ternary elsewhere.
 * Checks: DM001 once at the helper's open (several callers, one finding), DM001 at the ternary
 * open, DM003 class=unknown for the user-chosen address. /proc/iomem is only parsed. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int open_ro(const char *path)
{
	return open(path, O_RDONLY); // CHECK: DM001
}

static int have_device(const char *path)
{
	int fd = open_ro(path);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static void print_iomem_ram(void)
{
	char line[256];
	int fd = open_ro("/proc/iomem");
	FILE *f;

	if (fd < 0)
		return;
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "System RAM") != NULL)
			fputs(line, stdout);
	fclose(f);
}

int main(int argc, char **argv)
{
	int use_kmem = argc > 2 && strcmp(argv[2], "-k") == 0;
	unsigned long addr, word = 0;
	int fd;

	printf("/dev/mem: %s\n", have_device("/dev/mem") ? "present" : "absent");
	printf("/dev/kmem: %s\n", have_device("/dev/kmem") ? "present" : "absent");
	print_iomem_ram();
	if (argc < 2)
		return 0;
	addr = strtoul(argv[1], NULL, 16);
	fd = open(use_kmem ? "/dev/kmem" : "/dev/mem", O_RDONLY); // CHECK: DM001
	if (fd < 0)
		return 1;
	if (lseek(fd, (off_t)addr, SEEK_SET) == (off_t)-1 || read(fd, &word, sizeof(word)) != (ssize_t)sizeof(word)) { // CHECK: DM003 class=unknown
		close(fd);
		return 1;
	}
	close(fd);
	printf("%lx: %016lx\n", addr, word);
	return 0;
}
