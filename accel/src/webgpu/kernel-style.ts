// How the generated WGSL is shaped. The arithmetic is the same in every style; only the form of the
// code changes. Software adapters (SwiftShader, lavapipe) inline every call site and compile large
// functions slowly: a point addition written out (12 multiplications, 27 additions) cost seconds to
// compile per use, and the MSM kernels written out did not finish compiling on SwiftShader in four
// minutes (3.4 GB of memory). The compact style compiles each MSM kernel in well under a second there.
// Hardware GPU compilers cope with either form; `straight` and `unrolled` trade the op table's
// dynamic register indexing for code size, and are there to be measured on real GPUs.

/**
 * `compact` (default): the point formula as a loop over an op table, limb arithmetic as loops.
 * `straight`: the point formula written out, limbs as loops. `unrolled`: everything written out.
 */
export type KernelStyle = 'compact' | 'straight' | 'unrolled';

/** The style used when none is given. */
export const DEFAULT_KERNEL_STYLE: KernelStyle = 'compact';
