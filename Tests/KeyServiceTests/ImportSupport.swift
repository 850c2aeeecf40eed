import Foundation
import KeyCrypto
import Testing
@testable import KeyService

/// Helpers for tests of imported key material, asymmetric and HMAC keys.
extension ServiceHarness {
    /// Creates a key of `spec` (and `usage`), with origin `origin`, and returns its id.
    func createKey(spec: String, usage: String? = nil, origin: String? = nil) async throws -> String {
        try await perform(CreateKey.self, .init(keyUsage: usage, keySpec: spec, origin: origin)).keyMetadata.keyId
    }

    func parameters(_ keyId: String, _ algorithm: ImportWrappingAlgorithm = .rsaAesKeyWrapSha256,
                    wrappingKeySpec: String = "RSA_2048") async throws -> GetParametersForImport.Output {
        try await perform(GetParametersForImport.self, .init(keyId: keyId, wrappingAlgorithm: algorithm.rawValue, wrappingKeySpec: wrappingKeySpec))
    }

    /// Wraps `material` as a client would, with the parameters' public key.
    func wrap(_ material: SecureBytes, for parameters: GetParametersForImport.Output,
              _ algorithm: ImportWrappingAlgorithm = .rsaAesKeyWrapSha256) throws -> [UInt8] {
        try KeyMaterialWrapping.wrap(material, publicKey: AsymmetricPublicKey(spki: parameters.publicKey.bytes), algorithm: algorithm)
    }

    /// The whole import flow: parameters, wrap, import. `validTo` nil: the material does not expire.
    @discardableResult
    func importMaterial(_ keyId: String, _ material: SecureBytes, algorithm: ImportWrappingAlgorithm = .rsaAesKeyWrapSha256,
                        wrappingKeySpec: String = "RSA_2048", validTo: Timestamp? = nil) async throws -> ImportKeyMaterial.Output {
        let parameters = try await parameters(keyId, algorithm, wrappingKeySpec: wrappingKeySpec)
        return try await perform(ImportKeyMaterial.self, .init(
            keyId: keyId, importToken: parameters.importToken.bytes, encryptedKeyMaterial: try wrap(material, for: parameters, algorithm),
            expirationModel: validTo == nil ? "KEY_MATERIAL_DOES_NOT_EXPIRE" : "KEY_MATERIAL_EXPIRES", validTo: validTo))
    }

    func publicKey(_ keyId: String) async throws -> AsymmetricPublicKey {
        try AsymmetricPublicKey(spki: try await perform(GetPublicKey.self, .init(keyId: keyId)).publicKey.bytes)
    }

    func sign(_ keyId: String, _ message: [UInt8], _ algorithm: SigningAlgorithm, type: String? = nil) async throws -> [UInt8] {
        try await perform(Sign.self, .init(keyId: keyId, message: message, messageType: type, signingAlgorithm: algorithm.rawValue)).signature.bytes
    }

    func verify(_ keyId: String, _ message: [UInt8], _ signature: [UInt8], _ algorithm: SigningAlgorithm, type: String? = nil) async throws -> Bool {
        try await perform(Verify.self, .init(
            keyId: keyId, message: message, messageType: type, signature: signature, signingAlgorithm: algorithm.rawValue)).signatureValid
    }
}

/// The `openssl` command line, for interoperability tests.
enum OpenSSLTool {
    static let path = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Runs openssl; returns its exit status and combined output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
