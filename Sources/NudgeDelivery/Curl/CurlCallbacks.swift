import CCurl

// libcurl's data callbacks. Each context pointer is the transfer's `CurlTransfer`, passed unretained: the
// worker keeps the transfer alive until its handle is back in the pool. Constants outside main.swift, so they are not
// main-actor isolated; C function pointers are Sendable.

/// `CURLOPT_READFUNCTION`: the message bytes of an SMTP upload.
let curlReadCallback: ccurl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().read(into: buffer, capacity: size * count)
}

/// `CURLOPT_WRITEFUNCTION`: response body bytes.
let curlWriteCallback: ccurl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().write(buffer, count: size * count)
}

/// `CURLOPT_HEADERFUNCTION`: HTTP header lines, and every SMTP server reply line.
let curlHeaderCallback: ccurl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().header(buffer, count: size * count)
}
