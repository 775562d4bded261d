#ifndef XF86_COMPAT_H
#define XF86_COMPAT_H
/* Generic default for systems with an aperture driver. */
#define DEV_MEM "/dev/xsvc"
#define V_RAM 0xA0000
#define VRAM_SIZE 0x20000
#define V_BIOS 0xC0000
#define SYS_SIZE 0x100000
#endif
