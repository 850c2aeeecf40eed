import KeyCrypto
import NIOCore
import NIOSSL

extension FrontDoor {
    /// Enforces a principal's bound client certificate (see `ClientCertificateBinding`)
    /// after its signature verified. For principals without a binding this is one
    /// lookup in memory; the connection's certificate is fetched only for bound ones.
    func requireBoundClientCertificate(_ caller: Caller, context: AppRequestContext, note: AuditNote) async throws(KMSError) {
        guard let bound = service.boundClientCertificate(principalId: caller.principalId) else { return }
        let presented = await PeerCertificate.der(on: context.channel)
        if let reason = ClientCertificateBinding.refusal(bound: bound, presented: presented) {
            note.update {
                $0.reason = reason
                $0.refusedCaller = caller
            }
            throw KMSError(.accessDenied, "User \(caller.principalName) is not authorized: its requests must present its client certificate over TLS.")
        }
    }
}

/// The client certificate of the TLS connection a request arrived on.
enum PeerCertificate {
    /// The DER of the client certificate the TLS handshake verified (against the
    /// client CA), or nil over plain HTTP or when the client presented none.
    ///
    /// Safe to call off the event loop: it asks the pipeline through futures. Over
    /// HTTP/1.1 the TLS handler is on the request's channel; over HTTP/2 the request
    /// has a stream channel whose parent, the connection, holds it.
    static func der(on channel: any Channel) async -> [UInt8]? {
        for candidate in [channel, channel.parent] {
            guard let candidate else { continue }
            let certificate: NIOSSLCertificate?
            do {
                certificate = try await candidate.nioSSL_peerCertificate().get()
            } catch {
                continue  // no TLS handler on this channel
            }
            return try? certificate?.toDERBytes()
        }
        return nil
    }
}
