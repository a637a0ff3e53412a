// 200x200 double matrix multiply: memory-bound inner loops with f64 arithmetic.
#define N 200
static double a[N * N], b[N * N], c[N * N];
volatile int seed = 7;

int run(void) {
    int s = seed;
    for (int i = 0; i < N * N; i++) {
        a[i] = (double)((i * s) % 101) / 7.0;
        b[i] = (double)((i * 3 + s) % 97) / 5.0;
    }
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            double sum = 0.0;
            for (int k = 0; k < N; k++) {
                sum += a[i * N + k] * b[k * N + j];
            }
            c[i * N + j] = sum;
        }
    }
    double total = 0.0;
    for (int i = 0; i < N * N; i++) total += c[i];
    return (int)(total / 1000.0);
}
