// No Foundation import here: Foundation's `Operation` would hide KeyService's.
@testable import KeyService

extension ServiceHarness {
    /// Runs one operation as the administrator.
    func perform<Op: Operation>(_ operation: Op.Type, _ input: Op.Input) async throws(KMSError) -> Op.Output {
        try await service.perform(operation, input, context: context)
    }
}
