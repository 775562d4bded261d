/* The "internal" programmer: reaches physmap only through its function-pointer table, with
 * addresses that come from hardware probing (not constant), so no call-site findings here. */
#include <stdint.h>
#include <stdio.h>

#include "programmer.h"

static int internal_init(void)
{
	return 0;
}

const struct programmer internal_programmer = {
	.name = "internal",
	.init = internal_init,
	.map_flash_region = physmap,
	.unmap_flash_region = physunmap,
};
