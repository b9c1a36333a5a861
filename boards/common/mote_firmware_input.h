/*
 * The input the real-board harness feeds the model, compiled in (a board has no files to read).
 * compiler/toolchain/board-firmware.ts generates the definitions (mote_firmware_input.c) for
 * each build: one byte array per model input (every element the input's zero point by default,
 * or the raw bytes of `mote compile --input FILE`; none at all leaves the inputs as they are), what
 * it is, and how many inferences to time.
 */
#ifndef MOTE_FIRMWARE_INPUT_H
#define MOTE_FIRMWARE_INPUT_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t mote_firmware_num_inputs;
extern const uint8_t *const mote_firmware_inputs[];
extern const uint32_t mote_firmware_input_bytes[];
/* "zero-point" or the file's base name: printed so a log says what was measured. */
extern const char mote_firmware_input_name[];
/* Inferences to time (the first runs with cold caches). */
extern const uint32_t mote_firmware_runs;

#endif
