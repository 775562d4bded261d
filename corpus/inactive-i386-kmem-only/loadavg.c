/* Models an ancient load-average reader: the i386-only branch read avenrun from /dev/kmem
 * (inactive on x86_64: DM007 low confidence, its only finding); the compiled path reads
 * /proc/loadavg, which is not a finding. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	double avg[3] = { 0, 0, 0 };
#ifdef __i386__
	int kfd = open("/dev/kmem", O_RDONLY); // CHECK: DM007 confidence=low
	if (kfd < 0)
		return 1;
	close(kfd);
#else
	FILE *f = fopen("/proc/loadavg", "r");
	if (f == NULL)
		return 1;
	if (fscanf(f, "%lf %lf %lf", &avg[0], &avg[1], &avg[2]) != 3) {
		fclose(f);
		return 1;
	}
	fclose(f);
#endif
	printf("%.2f %.2f %.2f\n", avg[0], avg[1], avg[2]);
	return 0;
}
