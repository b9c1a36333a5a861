/*
 * Host counterpart of boards/qemu-mps2-an500/mote_board.h, so a profiling build of a model
 * library also compiles on the build machine: mote_cycles_now() returns wall-clock
 * nanoseconds (not instructions; only differences are meaningful), mote_log* write to stderr.
 */
#ifndef MOTE_BOARD_H
#define MOTE_BOARD_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline uint64_t mote_cycles_now(void)
{
  struct timespec now;
  timespec_get(&now, TIME_UTC);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static inline void mote_log(const char *text)
{
  fputs(text, stderr);
}

static inline void mote_log_u64(const char *label, uint64_t value)
{
  fprintf(stderr, "%s: %llu\n", label, (unsigned long long)value);
}

#endif
