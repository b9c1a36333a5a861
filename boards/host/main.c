/*
 * Host harness: runs one inference of a generated model library on the build machine.
 *
 * Usage: ./prog DIR. Reads DIR/input_<i>.bin into mote_input(i) for every model input (the
 * file must hold exactly mote_input_bytes(i) bytes), calls mote_invoke() once and writes
 * DIR/output_<i>.bin. Any problem prints one "error: ..." line on stderr and exits with 1; a
 * nonzero mote_invoke() status is "error: mote_invoke() returned status N" (the runner,
 * compiler/toolchain/host.ts, says what N means for the model).
 * Built by compiler/toolchain/host.ts with gcc -std=c11 -Wall -Wextra -Werror; the firmware
 * counterpart is boards/qemu-mps2-an500/main.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

static void tensor_path(char *path, size_t size, const char *dir, const char *kind, int index)
{
  int n = snprintf(path, size, "%s/%s_%d.bin", dir, kind, index);
  if (n < 0 || (size_t)n >= size) {
    fprintf(stderr, "error: directory path too long: %s\n", dir);
    exit(1);
  }
}

static void read_input(const char *dir, int index)
{
  char path[4096];
  tensor_path(path, sizeof path, dir, "input", index);
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "error: cannot open input file %s\n", path);
    exit(1);
  }
  size_t expected = mote_input_bytes(index);
  size_t got = fread(mote_input(index), 1, expected, file);
  int extra = fgetc(file);
  fclose(file);
  if (got != expected || extra != EOF) {
    fprintf(stderr, "error: input file %s has the wrong size: expected %zu bytes, found %s%zu\n",
            path, expected, extra != EOF ? "more than " : "", got);
    exit(1);
  }
}

static void write_output(const char *dir, int index)
{
  char path[4096];
  tensor_path(path, sizeof path, dir, "output", index);
  FILE *file = fopen(path, "wb");
  if (file == NULL) {
    fprintf(stderr, "error: cannot create output file %s\n", path);
    exit(1);
  }
  size_t bytes = mote_output_bytes(index);
  size_t put = fwrite(mote_output(index), 1, bytes, file);
  if (fclose(file) != 0 || put != bytes) {
    fprintf(stderr, "error: cannot write output file %s\n", path);
    exit(1);
  }
}

#ifdef MOTE_TRACE
/* Layer dumps (debug builds with -DMOTE_TRACE): every tensor a layer produces is written to
 * DIR/tensor_<index>.bin right after that layer, for comparison with a reference dump. */
static const char *trace_dir;

void mote_trace(int op_index, int tensor_index, const void *data, size_t bytes)
{
  char path[4096];
  (void)op_index;
  tensor_path(path, sizeof path, trace_dir, "tensor", tensor_index);
  FILE *file = fopen(path, "wb");
  if (file == NULL || fwrite(data, 1, bytes, file) != bytes || fclose(file) != 0) {
    fprintf(stderr, "error: cannot write trace file %s\n", path);
    exit(1);
  }
}
#endif

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "error: usage: %s DIR (DIR holds input_<i>.bin; output_<i>.bin are written there)\n",
            argv[0]);
    return 1;
  }
#ifdef MOTE_TRACE
  trace_dir = argv[1];
#endif
  for (int i = 0; i < MOTE_NUM_INPUTS; i++) read_input(argv[1], i);
  int init_status = mote_init();
  if (init_status != 0) {
    fprintf(stderr, "error: mote_init() returned status %d\n", init_status);
    return 1;
  }
  int status = mote_invoke();
  if (status != 0) {
    fprintf(stderr, "error: mote_invoke() returned status %d\n", status);
    return 1;
  }
  for (int i = 0; i < MOTE_NUM_OUTPUTS; i++) write_output(argv[1], i);
  return 0;
}
