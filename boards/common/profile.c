/*
 * Per-layer cycles on the real boards, for a build with -DMOTE_PROFILE (empty otherwise).
 *
 * model.c calls mote_profile_begin(key)/mote_profile_end(key) around every layer (codegen: key
 * = graph op index; interpreter: the step's word index in the model image), as on the QEMU
 * board (boards/qemu-mps2-an500/profile.c), but the clock is the DWT cycle counter: begin reads
 * it as its last action and end as its first, so the hooks' own cycles fall outside every
 * layer. Pairs nest (up to MOTE_PROFILE_MAX_DEPTH); consecutive ends with the same key add up
 * into one record. mote_profile_reset() starts over (the harness calls it before each run, so
 * the report is the last run, with warm caches); mote_profile_report() prints one
 * "mote: layer <key> cycles <n>" line per record, or "mote: error ..." if the hooks were
 * unbalanced or the table overflowed.
 */
#include "mote_board.h"

#ifdef MOTE_PROFILE

#ifndef MOTE_PROFILE_MAX_RECORDS
#define MOTE_PROFILE_MAX_RECORDS 512u
#endif
#define MOTE_PROFILE_MAX_DEPTH 8u

/* model.c calls the hooks from an asm that saves only r0-r3, r12 and lr: no FPU registers. */
#define MOTE_PROFILE_HOOK __attribute__((target("general-regs-only")))

static int32_t profile_keys[MOTE_PROFILE_MAX_RECORDS];
static uint64_t profile_cycles[MOTE_PROFILE_MAX_RECORDS];
static uint32_t profile_records;
static uint32_t profile_start[MOTE_PROFILE_MAX_DEPTH];
static int32_t profile_open[MOTE_PROFILE_MAX_DEPTH];
static uint32_t profile_depth;
static uint32_t profile_errors;

MOTE_PROFILE_HOOK void mote_profile_reset(void)
{
  profile_records = 0u;
  profile_depth = 0u;
  profile_errors = 0u;
}

MOTE_PROFILE_HOOK void mote_profile_begin(int key)
{
  if (profile_depth >= MOTE_PROFILE_MAX_DEPTH) {
    profile_errors++;
    return;
  }
  profile_open[profile_depth] = (int32_t)key;
  profile_depth++;
  profile_start[profile_depth - 1u] = mote_cycles_now();
}

MOTE_PROFILE_HOOK void mote_profile_end(int key)
{
  uint32_t now = mote_cycles_now();
  if (profile_depth == 0u || profile_open[profile_depth - 1u] != (int32_t)key) {
    profile_errors++;
    return;
  }
  profile_depth--;
  uint32_t elapsed = now - profile_start[profile_depth];
  if (profile_records > 0u && profile_keys[profile_records - 1u] == (int32_t)key) {
    profile_cycles[profile_records - 1u] += elapsed;
  } else if (profile_records < MOTE_PROFILE_MAX_RECORDS) {
    profile_keys[profile_records] = (int32_t)key;
    profile_cycles[profile_records] = elapsed;
    profile_records++;
  } else {
    profile_errors++;
  }
}

void mote_profile_report(void)
{
  for (uint32_t i = 0; i < profile_records; i++) {
    mote_log("mote: layer ");
    if (profile_keys[i] < 0) mote_log("-");
    mote_log_number((uint64_t)(profile_keys[i] < 0 ? -(int64_t)profile_keys[i] : (int64_t)profile_keys[i]));
    mote_log(" cycles ");
    mote_log_number(profile_cycles[i]);
    mote_log("\n");
  }
  if (profile_errors != 0u || profile_depth != 0u) {
    mote_log("mote: error profile hooks unbalanced or more than ");
    mote_log_number(MOTE_PROFILE_MAX_RECORDS);
    mote_log(" layer records\n");
  }
}

#else
typedef int mote_profile_unused; /* ISO C: a translation unit is not empty */
#endif
