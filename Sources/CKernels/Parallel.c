// A tiny persistent thread pool for the kernels: `mixup_parallel_for` runs tasks 0…n−1, task 0 on
// the calling thread and task t on worker t, and returns when all are done. Work is always split
// so that each output element is computed by one task in the single-thread order, which keeps
// results bit-identical for every thread count. Workers are created on first use and sleep on a
// condition variable between jobs.

#include "CKernels.h"
#include <pthread.h>

#define MAX_THREADS 64

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;   // one job at a time, whoever calls
static pthread_cond_t job_ready = PTHREAD_COND_INITIALIZER;
static pthread_cond_t job_done = PTHREAD_COND_INITIALIZER;
static int requested_threads = 1;    // set by mixup_kernels_set_threads
static int started_workers = 0;      // workers 1 … started_workers exist
static unsigned long generation = 0; // bumped for every job
static int pending = 0;              // worker tasks of the current job not yet finished
static int job_tasks = 0;
static void (*job_fn)(void *, int) = 0;
static void *job_ctx = 0;

static void *worker_main(void *arg) {
    int id = (int)(long)arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&pool_lock);
    for (;;) {
        while (generation == seen) pthread_cond_wait(&job_ready, &pool_lock);
        seen = generation;
        if (id < job_tasks) {
            void (*fn)(void *, int) = job_fn;
            void *ctx = job_ctx;
            pthread_mutex_unlock(&pool_lock);
            fn(ctx, id);
            pthread_mutex_lock(&pool_lock);
            if (--pending == 0) pthread_cond_signal(&job_done);
        }
    }
    return 0;
}

void mixup_kernels_set_threads(int count) {
    if (count < 1) count = 1;
    if (count > MAX_THREADS) count = MAX_THREADS;
    pthread_mutex_lock(&pool_lock);
    requested_threads = count;
    pthread_mutex_unlock(&pool_lock);
}

int mixup_kernels_threads(void) {
    pthread_mutex_lock(&pool_lock);
    int n = requested_threads;
    pthread_mutex_unlock(&pool_lock);
    return n;
}

void mixup_parallel_for(int tasks, void (*fn)(void *ctx, int task), void *ctx) {
    if (tasks <= 1) { if (tasks == 1) fn(ctx, 0); return; }
    pthread_mutex_lock(&job_lock);
    pthread_mutex_lock(&pool_lock);
    while (started_workers < tasks - 1) {
        pthread_t thread;
        if (pthread_create(&thread, 0, worker_main, (void *)(long)(started_workers + 1)) != 0) break;
        pthread_detach(thread);
        started_workers++;
    }
    int workers = tasks - 1 < started_workers ? tasks - 1 : started_workers;
    job_fn = fn; job_ctx = ctx; job_tasks = workers + 1; pending = workers;
    generation++;
    pthread_cond_broadcast(&job_ready);
    pthread_mutex_unlock(&pool_lock);
    fn(ctx, 0);
    // Tasks no worker could take (thread creation failed) run here, in order.
    for (int t = workers + 1; t < tasks; t++) fn(ctx, t);
    pthread_mutex_lock(&pool_lock);
    while (pending > 0) pthread_cond_wait(&job_done, &pool_lock);
    pthread_mutex_unlock(&pool_lock);
    pthread_mutex_unlock(&job_lock);
}
