// The bundled model files as read-only data of the executable: the binary needs no file beside it.
// After retraining (tools/train_denoiser.py), touch this file so that the build picks up the new bytes.
    .section .rodata
    .balign 64
    .global invscale_bundled_gray_start
invscale_bundled_gray_start:
    .incbin "drunet_bundled_gray.safetensors"
    .global invscale_bundled_gray_end
invscale_bundled_gray_end:
    .balign 64
    .global invscale_bundled_color_start
invscale_bundled_color_start:
    .incbin "drunet_bundled_color.safetensors"
    .global invscale_bundled_color_end
invscale_bundled_color_end:
#if defined(__aarch64__) || defined(__arm__)
    .section .note.GNU-stack,"",%progbits
#else
    .section .note.GNU-stack,"",@progbits
#endif
