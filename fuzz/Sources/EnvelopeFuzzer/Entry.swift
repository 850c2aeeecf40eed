import FuzzSupport

/// libFuzzer's entry point: one input through every envelope reader.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if let problem = EnvelopeFuzzHarness.run(fuzzInput(data, size)) { reportProblem(problem) }
    return 0
}
