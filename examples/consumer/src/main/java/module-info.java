/**
 * A corepin consumer as a named module: building it (javac on the module path) and running it with
 * {@code java -p ... -m com.example.consumer/com.example.consumer.Hello} checks corepin's module descriptors.
 */
module com.example.consumer {
    requires io.corepin.runtime;
}
