/*
 * Arm semihosting calls for the firmware harness (see semihosting.h). Each call passes the
 * operation in r0 and a pointer to its parameter block in r1, executes `bkpt 0xAB` and gets
 * the result back in r0. The parameter blocks live on the stack; the "memory" clobber makes
 * the compiler store them before the trap and reload buffers after it.
 */
#include "semihosting.h"

static int sh_call(int op, const void *arg)
{
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static size_t sh_strlen(const char *s)
{
  size_t n = 0;
  while (s[n] != '\0') n++;
  return n;
}

int sh_open(const char *path, int mode)
{
  uint32_t args[3] = { (uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)sh_strlen(path) };
  return sh_call(SH_SYS_OPEN, args);
}

int sh_close(int handle)
{
  uint32_t args[1] = { (uint32_t)handle };
  return sh_call(SH_SYS_CLOSE, args);
}

long sh_flen(int handle)
{
  uint32_t args[1] = { (uint32_t)handle };
  return sh_call(SH_SYS_FLEN, args);
}

int sh_read(int handle, void *buf, size_t len)
{
  uint32_t args[3] = { (uint32_t)handle, (uint32_t)(uintptr_t)buf, (uint32_t)len };
  /* Returns the number of bytes NOT read. */
  return sh_call(SH_SYS_READ, args) == 0 ? 0 : -1;
}

int sh_write(int handle, const void *buf, size_t len)
{
  uint32_t args[3] = { (uint32_t)handle, (uint32_t)(uintptr_t)buf, (uint32_t)len };
  /* Returns the number of bytes NOT written. */
  return sh_call(SH_SYS_WRITE, args) == 0 ? 0 : -1;
}

void sh_write0(const char *text)
{
  sh_call(SH_SYS_WRITE0, text);
}

void sh_exit(int status)
{
  /* On AArch32, SYS_EXIT takes the reason code itself in r1, not a parameter block. */
  sh_call(SH_SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? SH_ADP_STOPPED_APPLICATION_EXIT
                                                             : SH_ADP_STOPPED_RUNTIME_ERROR));
  for (;;) {
  }
}
