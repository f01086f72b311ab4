package io.mnemos.embedded;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an {@code int}/{@code Integer} field or parameter that {@link MnemosExtension} fills with
 * the embedded server's port: {@code void test(@MnemosPort int port)}.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface MnemosPort {
}
