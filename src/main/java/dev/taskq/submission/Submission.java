package dev.taskq.submission;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * What a visitor submits. The constraints are the single definition of valid input for the form and the API; their
 * messages are in ValidationMessages*.properties (the form shows them in the page's language).
 */
public class Submission {

    @NotBlank(message = "{taskq.name.required}")
    @Size(max = 100, message = "{taskq.name.size}")
    private String name;

    @NotBlank(message = "{taskq.email.required}")
    @Size(max = 254, message = "{taskq.email.size}")
    // The built-in check accepts "user@host"; a public address also needs a dot in its domain.
    @Email(regexp = ".+@[^@]+\\.[^@]+", message = "{taskq.email.valid}")
    private String email;

    @NotBlank(message = "{taskq.message.required}")
    @Size(max = 5000, message = "{taskq.message.size}")
    private String message;

    public Submission() {
    }

    public Submission(String name, String email, String message) {
        this.name = name;
        this.email = email;
        this.message = message;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
