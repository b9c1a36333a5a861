/**
 * @fileoverview Shared Prepare checks for the one-input, one-output elementwise ops (QUANTIZE,
 * DEQUANTIZE, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH, ELU): exactly one input and
 * one output, with the same number of elements (TFLite Micro's MatchingFlatSize / ElementCount),
 * and the dtypes each op supports. Errors are fail(3001) through opError.
 */
import type { DType, Graph, Op, Tensor } from "../ir/graph.ts";
import { inputTensor, opError, outputTensor, product, requireDType } from "./operands.ts";

export interface UnaryOperands {
  input: Tensor;
  output: Tensor;
  /** Elements of the input (and of the output). */
  size: number;
}

/** The input and output of a unary elementwise op, checked for count, dtype and element count. */
export function unaryOperands(
  graph: Graph,
  op: Op,
  inputTypes: readonly DType[],
  outputTypes: readonly DType[],
): UnaryOperands {
  if (op.inputs.length !== 1 || op.outputs.length !== 1) {
    opError(graph, op, `expected 1 input and 1 output, got ${op.inputs.length} and ${op.outputs.length}`);
  }
  const input = inputTensor(graph, op, 0, "input");
  const output = outputTensor(graph, op, 0, "output");
  requireDType(graph, op, input, "input", ...inputTypes);
  requireDType(graph, op, output, "output", ...outputTypes);
  const size = product(input.shape);
  if (product(output.shape) !== size) {
    opError(
      graph, op,
      `input shape [${input.shape.join(", ")}] and output shape [${output.shape.join(", ")}] have different element counts`,
    );
  }
  return { input, output, size };
}
