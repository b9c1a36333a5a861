/*
 * Firmware harness: runs one inference of the generated model under QEMU and reports it.
 *
 * Contract with the runner (compiler/toolchain/firmware.ts), all through semihosting in QEMU's
 * working directory: input_<i>.bin holds one or more invocations' worth of input i (its size a
 * multiple K >= 1 of mote_input_bytes(i), the same K for every input); calls mote_init() (the
 * model's one-time check, untimed, as TFLM's AllocateTensors), then K times reads the next
 * chunk of every input into mote_input(i), paints the free stack, times one mote_invoke() with
 * SysTick, scans the paint, and appends the outputs to output_<i>.bin (the arena, variable tensors included, is
 * kept between invocations: streaming state). It prints one "instructions: N" line per
 * invocation, then one "stack: N" line (and, built with
 * -DMOTE_PROFILE, one "layer <key>: N" line per layer from profile.c) and exits with status 0.
 * Any failure prints one "error: ..." line and exits with status 1; a nonzero mote_init() or
 * mote_invoke() status is "error: mote_init() returned status N" (or mote_invoke) (the
 * toolchain's runner hands N to
 * the runner, which says what it means for the model).
 *
 * Stack measure: before each timed invoke every word between __stack_bottom (link.ld) and
 * main's stack pointer is set to MOTE_STACK_PAINT (the painting loop keeps everything in
 * registers; SysTick is stopped); right after it the lowest overwritten word gives the
 * high-water mark of mote_invoke below main's frame (it also covers the timer start, a few
 * words, and any SysTick exception frame pushed during the inference), before any file I/O
 * can reach deeper. The deepest of all invocations is reported (boards/common/harness.c does
 * the same on real boards).
 */
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "mote_board.h"
#include "semihosting.h"

#define MOTE_STACK_PAINT 0xC5A3E10Fu

extern uint32_t __stack_bottom[];

static void tensor_file_name(char *name, const char *prefix, int index)
{
  unsigned n = 0;
  while (prefix[n] != '\0') {
    name[n] = prefix[n];
    n++;
  }
  char digits[12];
  unsigned d = 0;
  unsigned value = (unsigned)index;
  do {
    digits[d++] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0u);
  while (d > 0u) name[n++] = digits[--d];
  const char *suffix = ".bin";
  for (unsigned i = 0; suffix[i] != '\0'; i++) name[n++] = suffix[i];
  name[n] = '\0';
}

__attribute__((noreturn)) static void harness_error(const char *what, const char *file)
{
  sh_write0("error: ");
  sh_write0(what);
  if (file != NULL) {
    sh_write0(" ");
    sh_write0(file);
  }
  sh_write0("\n");
  sh_exit(1);
}

static int input_handles[MOTE_NUM_INPUTS];
static int output_handles[MOTE_NUM_OUTPUTS];

static void size_error(const char *name, size_t expected, long found, int multiple)
{
  sh_write0("error: input file ");
  sh_write0(name);
  sh_write0(" has the wrong size: expected ");
  mote_log_number((uint64_t)expected);
  sh_write0(" bytes");
  if (multiple) sh_write0(" (or a multiple, one chunk per invocation)");
  sh_write0(", found ");
  mote_log_number((uint64_t)(found < 0 ? 0 : found));
  sh_write0("\n");
  sh_exit(1);
}

/* Opens every input and output file; returns the number of invocations the inputs hold. */
static uint32_t open_files(void)
{
  uint32_t invocations = 0;
  for (int i = 0; i < MOTE_NUM_INPUTS; i++) {
    char name[32];
    tensor_file_name(name, "input_", i);
    int handle = sh_open(name, SH_MODE_RB);
    if (handle < 0) harness_error("cannot open input file", name);
    long length = sh_flen(handle);
    size_t bytes = mote_input_bytes(i);
    if (i > 0 && (length < 0 || (size_t)length != bytes * invocations)) size_error(name, bytes * invocations, length, 0);
    if (length <= 0 || (size_t)length % bytes != 0) size_error(name, bytes, length, 1);
    uint32_t chunks = (uint32_t)((size_t)length / bytes);
    invocations = chunks;
    input_handles[i] = handle;
  }
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) {
    char name[32];
    tensor_file_name(name, "output_", i);
    int handle = sh_open(name, SH_MODE_WB);
    if (handle < 0) harness_error("cannot create output file", name);
    output_handles[i] = handle;
  }
  return invocations;
}

static void read_inputs(void)
{
  for (int i = 0; i < MOTE_NUM_INPUTS; i++) {
    if (sh_read(input_handles[i], mote_input(i), mote_input_bytes(i)) != 0) harness_error("cannot read input", NULL);
  }
}

static void write_outputs(void)
{
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) {
    if (sh_write(output_handles[i], mote_output(i), mote_output_bytes(i)) != 0) {
      harness_error("cannot write output", NULL);
    }
  }
}

static void close_files(void)
{
  for (int i = 0; i < MOTE_NUM_INPUTS; i++) sh_close(input_handles[i]);
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) sh_close(output_handles[i]);
}

static inline __attribute__((always_inline)) uint32_t *current_stack_pointer(void)
{
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

/* One "error: <what>() returned status N" line (compiler/toolchain/host.ts reads it back). */
static void report_status(const char *what, int status)
{
  sh_write0("error: ");
  sh_write0(what);
  sh_write0("() returned status ");
  if (status < 0) sh_write0("-");
  mote_log_number((uint64_t)(status < 0 ? -(int64_t)status : (int64_t)status));
  sh_write0("\n");
}

int main(void)
{
  uint32_t invocations = open_files();

  /* The model's one-time check (interpreter mode: the image), outside the timed inference, as
   * TFLite Micro's AllocateTensors is outside its Invoke. */
  int init_status = mote_init();
  if (init_status != 0) {
    report_status("mote_init", init_status);
    return 1;
  }

  /* Each invocation: the inputs are read, then every word from __stack_bottom to main's stack
   * pointer is painted, mote_invoke() runs timed, and the paint is scanned before the outputs are
   * written, so the high-water mark is the model's (plus the timer calls), not the semihosting
   * file I/O's; the deepest of all invocations is reported. */
  uint32_t *painted_top = current_stack_pointer();
  const volatile uint32_t *deepest = painted_top;
  for (uint32_t n = 0; n < invocations; n++) {
    read_inputs();
    for (volatile uint32_t *word = __stack_bottom; word < painted_top; word++) {
      *word = MOTE_STACK_PAINT;
    }
    mote_timer_start();
    uint64_t start = mote_ticks_now();
    int status = mote_invoke();
    uint64_t end = mote_ticks_now();
    mote_timer_stop(); /* no SysTick frames on the stack while it is scanned or files are written */
    const volatile uint32_t *lowest = __stack_bottom;
    while (lowest < painted_top && *lowest == MOTE_STACK_PAINT) lowest++;
    if (lowest == __stack_bottom) {
      sh_write0("error: stack overflow: the inference used all ");
      mote_log_number((uint64_t)((uintptr_t)painted_top - (uintptr_t)__stack_bottom));
      sh_write0(" bytes of free stack (raise stackBytes in board.json)\n");
      return 1;
    }
    if (lowest < deepest) deepest = lowest;
    if (status != 0) {
      report_status("mote_invoke", status);
      return 1;
    }
    write_outputs();
    mote_log_u64("instructions", (end - start) * MOTE_INSTRUCTIONS_PER_TICK);
  }
  close_files();

  mote_log_u64("stack", (uint64_t)((uintptr_t)painted_top - (uintptr_t)deepest));
#ifdef MOTE_PROFILE
  mote_profile_report(); /* "layer <key>: N" lines (profile.c) */
#endif
  return 0;
}
