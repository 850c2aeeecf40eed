import AsyncHTTPClient
import Client
import Foundation
import KeyCrypto
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing
@testable import KeyService

/// A built server listening on a loopback port, for end-to-end tests.
struct LiveServer: Sendable {
    let server: KeyServer
    let port: AsyncStream<Int>

    /// Builds the server on 127.0.0.1, port 0 (the system picks one).
    static func build(
        storage: ServerConfiguration.Storage = .memory, rootKey: SecureBytes? = TestKeys.root, tls: ServerConfiguration.TLS? = nil,
        logger: Logger = quietLogger
    ) async throws -> LiveServer {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.storage = storage
        configuration.tls = tls
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = try await buildApplication(configuration: configuration, rootKey: rootKey, logger: logger) { channel in
            continuation.yield(channel.localAddress?.port ?? -1)
            continuation.finish()
        }
        return LiveServer(server: server, port: stream)
    }

    /// Runs the server, calls `body` with its endpoint, then shuts it down. Bounded in time throughout.
    func run<T: Sendable>(
        timeLimit: Duration = .seconds(90), _ body: @escaping @Sendable (_ endpoint: String, _ port: Int) async throws -> T
    ) async throws -> T {
        let group = ServiceGroup(configuration: {
            var configuration = ServiceGroupConfiguration(services: [server.application], logger: quietLogger)
            configuration.maximumGracefulShutdownDuration = .seconds(5)
            configuration.maximumCancellationDuration = .seconds(5)
            return configuration
        }())
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            let port = self.port
            let result: Result<T, any Error>
            do {
                let value = try await withTimeout(timeLimit, "the test against the live server") {
                    let bound = try await withTimeout(.seconds(20), "the server start") {
                        guard let port = await port.first(where: { _ in true }), port > 0 else {
                            throw TimeoutError(description: "the server did not report its port")
                        }
                        return port
                    }
                    return try await body("http://127.0.0.1:\(bound)", bound)
                }
                result = .success(value)
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            tasks.addTask {
                try await Task.sleep(for: .seconds(15))
                throw TimeoutError(description: "the server did not shut down")
            }
            _ = try await tasks.next()
            tasks.cancelAll()
            return try result.get()
        }
    }

    /// A client for this server's administrator (the credentials of the first start).
    static func client(_ endpoint: String, _ credentials: Credentials) throws -> KeyServiceClient {
        try KeyServiceClient(endpoint: endpoint, credentials: credentials, timeout: .seconds(10), maxAttempts: 1)
    }

    var administrator: Credentials? {
        server.bootstrapCredentials.map { Credentials(accessKeyId: $0.accessKeyId, secretAccessKey: $0.secretAccessKey) }
    }
}

/// Expects a client call to fail with the service error `code` (and HTTP `status`, if given).
func expectServiceError<T>(
    _ code: String, status: Int? = nil, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected \(code) but the call succeeded. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as ClientError {
        #expect(error.code == code, "got \(error) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        if let status, case .service(let actual, _, _, _) = error {
            #expect(actual == status, "\(code)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected ClientError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Sends one request with AsyncHTTPClient and returns the status and body.
func rawRequest(
    _ url: String, method: String, headers: [(name: String, value: String)], body: [UInt8] = []
) async throws -> (status: Int, body: [String: Any]) {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let collected = try await response.body.collect(upTo: 1 << 20)
    let object = (try? JSONSerialization.jsonObject(with: Data(collected.readableBytesView))) as? [String: Any] ?? [:]
    return (Int(response.status.code), object)
}
