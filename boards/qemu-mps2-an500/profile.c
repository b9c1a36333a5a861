/*
 * Per-layer profiling hooks for a build with -DMOTE_PROFILE (empty otherwise).
 *
 * The generated model.c calls mote_profile_begin(key)/mote_profile_end(key) around every layer
 * (codegen mode: key = graph op index, several steps of one op share it; interpreter mode: the
 * dispatch wraps each kernel call with key = the step's word index in the model image, inside
 * mote_invoke's own step, key -1). Each hook reads SysTick the same way as the whole-inference
 * timer in main.c (mote_ticks_now(): ticks, wraps counted in the SysTick handler), begin as its
 * last action and end as its first, so the hooks' own instructions fall outside every layer and
 * only into the whole count.
 *
 * Invariants: begin/end pairs nest (up to MOTE_PROFILE_MAX_DEPTH open at once); consecutive
 * ends with the same key accumulate into one record, so records are in order of completion.
 * mote_profile_report() prints one "layer <key>: <instructions>" line per record (instructions =
 * ticks x MOTE_INSTRUCTIONS_PER_TICK) and an "error: ..." line if the hooks were unbalanced or
 * the record table overflowed; the host (compiler/profile/profile.ts) parses these lines.
 */
#include "mote_board.h"

#ifdef MOTE_PROFILE

#include "semihosting.h"

#ifndef MOTE_PROFILE_MAX_RECORDS
#define MOTE_PROFILE_MAX_RECORDS 1024u
#endif
#define MOTE_PROFILE_MAX_DEPTH 8u

/* model.c calls the hooks from an asm that saves only the core registers it may clobber
 * (r0-r3, r12, lr), so the hooks must not touch the FPU registers. */
#define MOTE_PROFILE_HOOK __attribute__((target("general-regs-only")))

static int32_t profile_keys[MOTE_PROFILE_MAX_RECORDS];
static uint64_t profile_ticks[MOTE_PROFILE_MAX_RECORDS];
static uint32_t profile_records;
static uint64_t profile_start[MOTE_PROFILE_MAX_DEPTH];
static int32_t profile_open[MOTE_PROFILE_MAX_DEPTH];
static uint32_t profile_depth;
static uint32_t profile_errors;

MOTE_PROFILE_HOOK void mote_profile_begin(int key)
{
  if (profile_depth >= MOTE_PROFILE_MAX_DEPTH) {
    profile_errors++;
    return;
  }
  profile_open[profile_depth] = (int32_t)key;
  profile_depth++;
  profile_start[profile_depth - 1u] = mote_ticks_now();
}

MOTE_PROFILE_HOOK void mote_profile_end(int key)
{
  uint64_t now = mote_ticks_now();
  if (profile_depth == 0u || profile_open[profile_depth - 1u] != (int32_t)key) {
    profile_errors++;
    return;
  }
  profile_depth--;
  uint64_t elapsed = now - profile_start[profile_depth];
  if (profile_records > 0u && profile_keys[profile_records - 1u] == (int32_t)key) {
    profile_ticks[profile_records - 1u] += elapsed;
  } else if (profile_records < MOTE_PROFILE_MAX_RECORDS) {
    profile_keys[profile_records] = (int32_t)key;
    profile_ticks[profile_records] = elapsed;
    profile_records++;
  } else {
    profile_errors++;
  }
}

void mote_profile_report(void)
{
  for (uint32_t i = 0; i < profile_records; i++) {
    sh_write0("layer ");
    if (profile_keys[i] < 0) {
      sh_write0("-");
      mote_log_number((uint64_t)(-(int64_t)profile_keys[i]));
    } else {
      mote_log_number((uint64_t)profile_keys[i]);
    }
    sh_write0(": ");
    mote_log_number(profile_ticks[i] * MOTE_INSTRUCTIONS_PER_TICK);
    sh_write0("\n");
  }
  if (profile_errors != 0u || profile_depth != 0u) {
    sh_write0("error: profile hooks unbalanced or more than ");
    mote_log_number(MOTE_PROFILE_MAX_RECORDS);
    sh_write0(" layer records\n");
  }
}

#else
typedef int mote_profile_unused; /* ISO C: a translation unit is not empty */
#endif
