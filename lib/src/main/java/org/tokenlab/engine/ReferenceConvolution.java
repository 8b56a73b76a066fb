package org.tokenlab.engine;

/**
 * A plain, obviously correct convolution in double precision: the forward pass and the two gradients
 * of {@code sum(y * g)}, for the engine's to be checked against. One loop nest serves 2D and 3D:
 * a 2D problem is a 3D one of depth 1 with a kernel of depth 1. Cross-correlation as in PyTorch,
 * zero padding, one group, no dilation, no bias.
 *
 * <p>Arrays are flat, row-major: input {@code (B, C, D, H, W)}, weight {@code (O, C, kD, kH, kW)},
 * output and its gradient {@code (B, O, oD, oH, oW)}.
 */
final class ReferenceConvolution {

    private final ConvolutionCase c;
    private final int[] in;   // D, H, W of the input
    private final int[] k;    // kD, kH, kW
    private final int[] out;  // oD, oH, oW
    private final int[] stride;
    private final int[] pad;

    ReferenceConvolution(ConvolutionCase c) {
        this.c = c;
        this.in = c.inputSize3d();
        this.k = c.kernelSize3d();
        this.out = c.outputSize3d();
        this.stride = c.stride3d();
        this.pad = c.padding3d();
    }

    /** {@code y = conv(x, w)}. */
    double[] forward(float[] x, float[] w) {
        double[] y = new double[c.batch() * c.outChannels() * volume(out)];
        visit((xi, wi, yi) -> y[yi] += (double) x[xi] * w[wi]);
        return y;
    }

    /** {@code d sum(y * g) / dx}. */
    double[] inputGradient(float[] g, float[] w) {
        double[] dx = new double[c.batch() * c.inChannels() * volume(in)];
        visit((xi, wi, yi) -> dx[xi] += (double) g[yi] * w[wi]);
        return dx;
    }

    /** {@code d sum(y * g) / dw}. */
    double[] weightGradient(float[] g, float[] x) {
        double[] dw = new double[c.outChannels() * c.inChannels() * volume(k)];
        visit((xi, wi, yi) -> dw[wi] += (double) g[yi] * x[xi]);
        return dw;
    }

    private interface Term {
        void add(int inputIndex, int weightIndex, int outputIndex);
    }

    /** Calls {@code term} once for every (input, weight, output) triple the convolution multiplies. */
    private void visit(Term term) {
        int cin = c.inChannels();
        for (int b = 0; b < c.batch(); b++) {
            for (int o = 0; o < c.outChannels(); o++) {
                for (int od = 0; od < out[0]; od++) {
                    for (int oh = 0; oh < out[1]; oh++) {
                        for (int ow = 0; ow < out[2]; ow++) {
                            int yi = (((b * c.outChannels() + o) * out[0] + od) * out[1] + oh) * out[2] + ow;
                            for (int ch = 0; ch < cin; ch++) {
                                for (int kd = 0; kd < k[0]; kd++) {
                                    int id = od * stride[0] + kd - pad[0];
                                    if (id < 0 || id >= in[0]) {
                                        continue;
                                    }
                                    for (int kh = 0; kh < k[1]; kh++) {
                                        int ih = oh * stride[1] + kh - pad[1];
                                        if (ih < 0 || ih >= in[1]) {
                                            continue;
                                        }
                                        for (int kw = 0; kw < k[2]; kw++) {
                                            int iw = ow * stride[2] + kw - pad[2];
                                            if (iw < 0 || iw >= in[2]) {
                                                continue;
                                            }
                                            int xi = (((b * cin + ch) * in[0] + id) * in[1] + ih) * in[2] + iw;
                                            int wi = (((o * cin + ch) * k[0] + kd) * k[1] + kh) * k[2] + kw;
                                            term.add(xi, wi, yi);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int volume(int[] size) {
        return size[0] * size[1] * size[2];
    }
}
