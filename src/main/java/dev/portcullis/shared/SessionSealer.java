package dev.portcullis.shared;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sessions at rest in Redis, encrypted and authenticated with the JDK's AES/GCM (256-bit keys, a
 * random 96-bit IV per value, a 128-bit tag) under {@code shared_state.redis.session_keys_files}:
 * the first key seals, every listed key opens (rotation). The Redis key is the associated data, so a
 * value copied under another key does not open. Each file (at least 32 random bytes) gives its
 * AES key as the SHA-256 of its bytes; a 4-byte key id (from a second hash) picks the key to open with.
 * Layout: {@code 1 | key id (4) | IV (12) | ciphertext and tag}.
 */
public final class SessionSealer {
    private static final byte VERSION = 1;
    private static final int ID = 4;
    private static final int IV = 12;
    private static final int TAG_BITS = 128;
    private final List<SecretKey> keys;
    private final List<byte[]> ids;
    private final SecureRandom random = new SecureRandom();

    SessionSealer(List<byte[]> keyMaterial) {
        if (keyMaterial.isEmpty()) {
            throw new IllegalArgumentException("at least one session key");
        }
        List<SecretKey> k = new ArrayList<>();
        List<byte[]> i = new ArrayList<>();
        for (byte[] m : keyMaterial) {
            if (m.length < 32) {
                throw new IllegalArgumentException("a session key has at least 32 bytes");
            }
            byte[] aes = sha256(m);
            k.add(new SecretKeySpec(aes, "AES"));
            i.add(Arrays.copyOf(sha256(concat("portcullis session key id".getBytes(StandardCharsets.US_ASCII), aes)), ID));
        }
        this.keys = List.copyOf(k);
        this.ids = List.copyOf(i);
    }

    /** From {@code session_keys_files}, the first one sealing. */
    public static SessionSealer fromFiles(List<String> files) throws IOException {
        List<byte[]> material = new ArrayList<>();
        for (String f : files) {
            material.add(Files.readAllBytes(Path.of(f)));
        }
        return new SessionSealer(material);
    }

    /** The value to store under {@code redisKey}. */
    public byte[] seal(String redisKey, byte[] plain) {
        byte[] iv = new byte[IV];
        random.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(redisKey.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain);
            return ByteBuffer.allocate(1 + ID + IV + sealed.length).put(VERSION).put(ids.get(0)).put(iv).put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM", e);
        }
    }

    /** The plain value, or null when it was not sealed under one of the keys for this Redis key (or was altered). */
    public byte[] open(String redisKey, byte[] value) {
        if (value == null || value.length < 1 + ID + IV + TAG_BITS / 8 || value[0] != VERSION) {
            return null;
        }
        byte[] id = Arrays.copyOfRange(value, 1, 1 + ID);
        for (int k = 0; k < keys.size(); k++) {
            if (!MessageDigest.isEqual(id, ids.get(k))) {
                continue;
            }
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, keys.get(k), new GCMParameterSpec(TAG_BITS, value, 1 + ID, IV));
                c.updateAAD(redisKey.getBytes(StandardCharsets.UTF_8));
                return c.doFinal(value, 1 + ID + IV, value.length - 1 - ID - IV);
            } catch (GeneralSecurityException e) {
                return null; // altered, or sealed for another key: not a session of ours
            }
        }
        return null;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
