import CKernels

/// Runs `body(task)` for task 0 ..< `tasks` on the kernels' thread pool (`mixup_parallel_for`: task
/// 0 on the caller) and returns when all have finished; one task runs directly. Callers split work
/// so each output element is written by one task, which keeps results independent of `tasks`.
func kernelParallelFor(_ tasks: Int, _ body: (Int) -> Void) {
    if tasks <= 1 { if tasks == 1 { body(0) }; return }
    withoutActuallyEscaping(body) { escaping in
        var job = escaping
        withUnsafeMutablePointer(to: &job) { pointer in
            mixup_parallel_for(Int32(tasks), { context, task in
                context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(task))
            }, pointer)
        }
    }
}

/// The items of `0 ..< count` that task `task` of `tasks` handles: contiguous, in order, sizes
/// differing by at most one.
func kernelTaskRange(_ count: Int, task: Int, of tasks: Int) -> Range<Int> {
    (count * task / tasks) ..< (count * (task + 1) / tasks)
}
