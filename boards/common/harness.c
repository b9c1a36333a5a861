/*
 * Firmware harness of the real boards: times the generated model with the DWT cycle counter and
 * reports over the UART (115200 8N1, the ST-LINK virtual COM port) in lines that
 * compiler/toolchain/serial-log.ts parses (`mote serial-log`). Every line starts with "mote: ":
 *
 *   mote: board <name>                     mote: stack <bytes>
 *   mote: clock_hz <core clock>            mote: layer <key> cycles <n>   (-DMOTE_PROFILE, last run)
 *   mote: input <zero-point|file name>     mote: output <i> bytes <n> hex <bytes in hex>
 *   mote: runs <n>                         mote: done
 *   mote: run <k> cycles <n>               mote: error <text>             (then it stops)
 *
 * Order: caches, clock tree and UART, DWT; copy the compiled-in input into mote_input(i);
 * mote_init() (untimed, as TFLM's AllocateTensors); then `runs` inferences, each on a fresh copy
 * of the input (in-place execution may overwrite the input's arena bytes) and with the free
 * stack painted first (as boards/qemu-mps2-an500/main.c: every word from __stack_bottom to
 * main's stack pointer) and timed alone; the high-water mark is the deepest of all runs.
 */
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "mote_board.h"
#include "mote_firmware_input.h"

#define MOTE_STACK_PAINT 0xC5A3E10Fu

extern uint32_t __stack_bottom[];

void mote_log(const char *text)
{
  for (const char *c = text; *c != '\0'; c++) {
    if (*c == '\n') mote_board_uart_putc('\r');
    mote_board_uart_putc(*c);
  }
}

void mote_log_number(uint64_t value)
{
  char digits[21];
  char text[21];
  unsigned d = 0;
  unsigned n = 0;
  do {
    digits[d++] = (char)('0' + (unsigned)(value % 10u));
    value /= 10u;
  } while (value != 0u);
  while (d > 0u) text[n++] = digits[--d];
  text[n] = '\0';
  mote_log(text);
}

static void log_hex_bytes(const uint8_t *bytes, size_t count)
{
  char pair[3];
  pair[2] = '\0';
  for (size_t i = 0; i < count; i++) {
    pair[0] = "0123456789abcdef"[bytes[i] >> 4];
    pair[1] = "0123456789abcdef"[bytes[i] & 0xFu];
    mote_log(pair);
  }
}

void mote_log_hex32(uint32_t value)
{
  uint8_t bytes[4] = { (uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8), (uint8_t)value };
  mote_log("0x");
  log_hex_bytes(bytes, 4);
}

static void log_field(const char *name, uint64_t value)
{
  mote_log("mote: ");
  mote_log(name);
  mote_log(" ");
  mote_log_number(value);
  mote_log("\n");
}

static int fail_status(const char *what, int status)
{
  mote_log("mote: error ");
  mote_log(what);
  mote_log("() returned status ");
  if (status < 0) mote_log("-");
  mote_log_number((uint64_t)(status < 0 ? -(int64_t)status : (int64_t)status));
  mote_log("\n");
  mote_board_uart_flush();
  return 1;
}

static inline __attribute__((always_inline)) uint32_t *current_stack_pointer(void)
{
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

/* Copies the compiled-in input into mote_input(i) (sizes checked by main). */
static void copy_inputs(uint32_t given)
{
  for (uint32_t i = 0; i < given; i++) {
    uint8_t *dst = (uint8_t *)mote_input((int)i);
    for (uint32_t b = 0; b < mote_firmware_input_bytes[i]; b++) dst[b] = mote_firmware_inputs[i][b];
  }
}

int main(void)
{
  mote_enable_caches();
  uint32_t core_hz = mote_board_clock_init();
  mote_board_uart_init(core_hz);
  mote_cycles_start();

  mote_log("\nmote: board ");
  mote_log(mote_board_name);
  mote_log("\n");
  log_field("clock_hz", core_hz);
  mote_log("mote: input ");
  mote_log(mote_firmware_input_name);
  mote_log("\n");

  /* No compiled-in input (a build that left it out): the inputs stay as mote_init() finds them. */
  uint32_t given = mote_firmware_num_inputs;
  if (given != 0u && given != (uint32_t)MOTE_NUM_INPUTS) {
    mote_log("mote: error the compiled-in input does not match the model's inputs\n");
    return 1;
  }
  for (int i = 0; i < (int)given; i++) {
    if (mote_firmware_input_bytes[i] != mote_input_bytes(i)) {
      mote_log("mote: error compiled-in input has the wrong size\n");
      return 1;
    }
  }
  copy_inputs(given);

  int init_status = mote_init();
  if (init_status != 0) return fail_status("mote_init", init_status);

  log_field("runs", mote_firmware_runs);
  uint32_t *painted_top = current_stack_pointer();
  const volatile uint32_t *deepest = painted_top;
  for (uint32_t run = 1; run <= mote_firmware_runs; run++) {
    if (run > 1u) copy_inputs(given); /* the arena is reused in place: an inference may overwrite its input */
    for (volatile uint32_t *word = __stack_bottom; word < painted_top; word++) *word = MOTE_STACK_PAINT;
#ifdef MOTE_PROFILE
    mote_profile_reset(); /* the layers of the last run are reported */
#endif
    uint32_t start = mote_cycles_now();
    int status = mote_invoke();
    uint32_t cycles = mote_cycles_now() - start;
    if (status != 0) return fail_status("mote_invoke", status);
    const volatile uint32_t *lowest = __stack_bottom;
    while (lowest < painted_top && *lowest == MOTE_STACK_PAINT) lowest++;
    if (lowest == __stack_bottom) {
      mote_log("mote: error stack overflow: the inference used all of the free stack (raise stackBytes in board.json)\n");
      return 1;
    }
    if (lowest < deepest) deepest = lowest;
    mote_log("mote: run ");
    mote_log_number(run);
    mote_log(" cycles ");
    mote_log_number(cycles);
    mote_log("\n");
  }
  log_field("stack", (uint64_t)((uintptr_t)painted_top - (uintptr_t)deepest));
#ifdef MOTE_PROFILE
  mote_profile_report();
#endif
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) {
    mote_log("mote: output ");
    mote_log_number((uint64_t)i);
    mote_log(" bytes ");
    mote_log_number(mote_output_bytes(i));
    mote_log(" hex ");
    log_hex_bytes((const uint8_t *)mote_output(i), mote_output_bytes(i));
    mote_log("\n");
  }
  mote_log("mote: done\n");
  mote_board_uart_flush();
  return 0;
}
