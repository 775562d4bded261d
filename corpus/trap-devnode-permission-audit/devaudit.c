/* Trap: a hardening auditor with a table of sensitive device nodes: it stats them, reports the
 * mode and may chmod them, but never opens them. Expected findings: none. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const sensitive[] = {
	"/dev/mem",
	"/dev/kmem",
	"/dev/port",
	"/dev/cpu/0/msr",
};

int main(int argc, char **argv)
{
	int fix = argc > 1 && strcmp(argv[1], "--fix") == 0;
	size_t i;

	for (i = 0; i < sizeof(sensitive) / sizeof(sensitive[0]); i++) {
		struct stat st;
		if (stat(sensitive[i], &st) != 0) {
			printf("%-16s absent\n", sensitive[i]);
			continue;
		}
		printf("%-16s mode %04o\n", sensitive[i], (unsigned)(st.st_mode & 07777));
		if (fix && (st.st_mode & 0077) != 0 && chmod(sensitive[i], 0600) != 0)
			perror(sensitive[i]);
	}
	return 0;
}
