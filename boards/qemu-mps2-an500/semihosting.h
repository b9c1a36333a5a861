/*
 * Arm semihosting (`bkpt 0xAB`, Thumb) for the firmware harness under QEMU
 * (`-semihosting-config enable=on,target=native`): file I/O relative to QEMU's working
 * directory, console output and exit. Only what the harness needs; no libc, no malloc.
 * On a real board without a debugger attached, any of these calls halts the core.
 */
#ifndef MOTE_SEMIHOSTING_H
#define MOTE_SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

/* Operation numbers from the Arm semihosting specification. */
#define SH_SYS_OPEN   0x01
#define SH_SYS_CLOSE  0x02
#define SH_SYS_WRITE0 0x04
#define SH_SYS_WRITE  0x05
#define SH_SYS_READ   0x06
#define SH_SYS_FLEN   0x0C
#define SH_SYS_EXIT   0x18

/* SYS_OPEN modes (index into fopen's mode list). */
#define SH_MODE_RB 1
#define SH_MODE_WB 5

/* SYS_EXIT reasons: ApplicationExit makes QEMU exit with status 0, RunTimeErrorUnknown with 1. */
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026
#define SH_ADP_STOPPED_RUNTIME_ERROR    0x20023

/* Opens `path` with `mode`; returns a handle, or -1. */
int sh_open(const char *path, int mode);
int sh_close(int handle);
/* Length of an open file in bytes, or -1. */
long sh_flen(int handle);
/* Reads/writes exactly `len` bytes; returns 0 on success, -1 if fewer were transferred. */
int sh_read(int handle, void *buf, size_t len);
int sh_write(int handle, const void *buf, size_t len);
/* Writes a NUL-terminated string to the QEMU console. */
void sh_write0(const char *text);
/* Ends the simulation: status 0 exits QEMU with 0, anything else with 1. */
void sh_exit(int status) __attribute__((noreturn));

#endif
