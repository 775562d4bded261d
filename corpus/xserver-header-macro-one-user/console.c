/* Includes the shared header for its other declarations and opens only the console. */
#include "xf86_OSlib.h"

int console_open(void)
{
	return open("/dev/tty0", O_RDWR);
}
